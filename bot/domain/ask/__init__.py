"""/city ask: answering free-text questions from a server\x27s city data and program rules."""
