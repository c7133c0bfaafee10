"""The Textual app: the home screen, the live session screen and their themes."""
