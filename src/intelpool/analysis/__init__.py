"""Analysis over what one organisation may see: link graph, entities, networks and
targets; statistics, trends and threat reports."""
