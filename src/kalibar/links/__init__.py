"""Link charts: the network of entities, seizures, declarations, records, hits and traces,
read through the one visibility filter; saved charts; merging and splitting entities."""
