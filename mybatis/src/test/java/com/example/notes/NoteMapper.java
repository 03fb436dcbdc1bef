package com.example.notes;

/** CRUD on table {@code note}; the statements are in NoteMapper.xml. */
public interface NoteMapper {
    int insert(Note note);

    Note findById(long id);

    int update(Note note);

    int delete(long id);
}
