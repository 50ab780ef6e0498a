"""Gates a change must pass: the plan guard (no data lost) and the checkov scan, with JUnit reports."""
