"""What people see: the click CLI, the web view, exports and the demo. Thin shells over the library."""
