"""Practice mode: rehearse a protocol on a fast clock with scripted events and a debrief."""
