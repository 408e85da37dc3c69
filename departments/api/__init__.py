"""Departments and areas as the API shows them; the views are ``projects.api.department_views``."""
