"""Joint operations (cases), deconfliction of operations, requests for information."""
