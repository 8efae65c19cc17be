"""Analysis over what one organisation may see: link graph, entities, networks, targets."""
