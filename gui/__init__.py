"""Dump Doctor's Qt wizard: renders what core returns, decides nothing itself."""
