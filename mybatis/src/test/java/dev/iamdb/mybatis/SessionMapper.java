package dev.iamdb.mybatis;

import org.apache.ibatis.annotations.Select;

/** What the tests ask the server about the session MyBatis got from the pool. */
public interface SessionMapper {
    @Select("select current_user")
    String currentUser();

    @Select("select pg_backend_pid()")
    int backendPid();

    @Select("select current_setting('application_name')")
    String applicationName();
}
