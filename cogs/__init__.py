"""One extension per feature. Thin: read options, check rights, call a service, render."""
