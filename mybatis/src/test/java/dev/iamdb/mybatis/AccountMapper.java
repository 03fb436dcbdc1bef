package dev.iamdb.mybatis;

import org.apache.ibatis.annotations.Param;
import org.apache.ibatis.annotations.Update;

/** The mapper of docs/aurora-dsql.md's MyBatis retry. */
public interface AccountMapper {
    @Update("UPDATE account SET balance = balance + #{amount} WHERE id = #{id}")
    int add(@Param("id") int id, @Param("amount") int amount);
}
