package dev.iamdb.examples.boot;

import org.apache.ibatis.annotations.Mapper;
import org.apache.ibatis.annotations.Select;

/**
 * Notes through MyBatis, which mybatis-spring-boot-starter runs on the application's DataSource: iamdb-mybatis is
 * not needed, because Boot's pool already logs in with IAM tokens.
 */
@Mapper
public interface NoteMapper {
    @Select("SELECT count(*) FROM note WHERE author = #{author}")
    int countByAuthor(String author);
}
