"""`loyalty demo`: a realistic shop history, sent as signed webhooks through the real endpoint."""
