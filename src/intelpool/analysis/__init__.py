"""Analysis over what a viewer may see: statistics, trends and threat reports."""
