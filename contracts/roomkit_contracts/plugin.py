"""pytest plugin entry: makes the contract suites available to adapter test suites."""
