"""Partner organisations, their users and tokens, and sharing groups."""
