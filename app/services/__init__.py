"""Use cases. Each public function is one transaction with one explicit commit (the callers' `with uow`)."""
