"""Pulumi entry point of the state-backend bootstrap (the program lives in state_backend.py)."""

from state_backend import main

main()
