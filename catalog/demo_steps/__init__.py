"""The demo loader's steps, each in a module of its own; ``catalog.demo.load`` runs them in order."""
