"""Pure business rules of the mock server: no SQL, no HTTP, no clock reads."""
