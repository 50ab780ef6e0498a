"""Continuous delivery: where the Jenkins agents run, what they may do, and how they reach each environment."""
