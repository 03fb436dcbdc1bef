-- Flyway migrates as admin; the application logs in as its own role (spring.datasource.username), which may only
-- read and write the notes.
GRANT SELECT, INSERT, UPDATE, DELETE ON note TO ${appRole};
