"""intelpool: a shared cybercrime intelligence pool under its originators' control."""

__version__ = "0.1.0"
