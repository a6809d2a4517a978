"""Email: the mailer port, its file and SMTP backends, and the Jinja templates (German and English)."""
