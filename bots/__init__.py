"""Edges that reach users outside the browser; each is a client of the HTTP API, never of assistant/ directly."""
