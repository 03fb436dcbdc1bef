package com.example.notes;

import java.util.List;
import org.apache.ibatis.annotations.Delete;
import org.apache.ibatis.annotations.Insert;
import org.apache.ibatis.annotations.Param;
import org.apache.ibatis.annotations.Select;
import org.apache.ibatis.annotations.Update;

/** CRUD on table {@code tag}, with the statements in annotations. */
public interface TagMapper {
    @Insert("insert into tag (note_id, name) values (#{noteId}, #{name})")
    int insert(@Param("noteId") long noteId, @Param("name") String name);

    @Select("select name from tag where note_id = #{noteId} order by name")
    List<String> namesOf(long noteId);

    @Update("update tag set name = #{to} where note_id = #{noteId} and name = #{from}")
    int rename(@Param("noteId") long noteId, @Param("from") String from, @Param("to") String to);

    @Delete("delete from tag where note_id = #{noteId}")
    int deleteAll(long noteId);
}
