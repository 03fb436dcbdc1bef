-- The application's role reads and writes the table the migration user owns.
GRANT SELECT, INSERT ON guestbook TO ${appRole};
