package dev.iamdb.examples;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.util.UUID;

/**
 * A row of the {@code guestbook} table (created by the Flyway migrations), mapped for Hibernate and JPA.
 * The id is assigned by the application: Aurora DSQL has no sequences.
 */
@Entity
@Table(name = "guestbook")
public class GuestbookEntry {
    @Id
    private UUID id;
    private String author;
    private String message;

    protected GuestbookEntry() {
    }

    public GuestbookEntry(UUID id, String author, String message) {
        this.id = id;
        this.author = author;
        this.message = message;
    }

    public UUID getId() {
        return id;
    }

    public String getAuthor() {
        return author;
    }

    public String getMessage() {
        return message;
    }
}
