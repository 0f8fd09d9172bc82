"""Catalog: categories, parameter schemas, supplier enrolment, listings, halls, search, prices."""
