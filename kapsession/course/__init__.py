"""Across a series: the course report for the prescriber, the client's progress page, the next
session as a calendar file, and their command line (`clients`, `client ...`, `course`)."""
