"""Enactors written in Python observe a campaign through its events."""
