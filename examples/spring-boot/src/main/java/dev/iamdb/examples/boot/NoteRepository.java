package dev.iamdb.examples.boot;

import java.util.List;
import java.util.UUID;
import org.springframework.data.jpa.repository.JpaRepository;

/** Notes, through Spring Data JPA. */
public interface NoteRepository extends JpaRepository<Note, UUID> {
    List<Note> findByAuthorOrderByBody(String author);
}
