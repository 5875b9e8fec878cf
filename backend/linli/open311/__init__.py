"""Open311 GeoReport v2: categories as services, cases as service requests."""
