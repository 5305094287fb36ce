"""Staffing pages, one module per family: contracts and planning (coordinators), shifts and hours."""
