"""Pure rules: no discord, no SQL, no I/O. Nothing here imports the rest of the project."""
