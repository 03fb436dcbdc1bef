package dev.iamdb.examples;

import dev.iamdb.IamPooledDataSource;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import org.apache.ibatis.io.Resources;
import org.apache.ibatis.session.SqlSession;
import org.apache.ibatis.session.SqlSessionFactory;
import org.apache.ibatis.session.SqlSessionFactoryBuilder;

/**
 * MyBatis, configured by {@code mybatis-config.xml} (beside this class), whose {@code <dataSource>} is
 * {@code iamdb-mybatis}'s {@code IamDataSourceFactory}. See {@code docs/mybatis.md}.
 *
 * <pre>IAMDB_ENDPOINT=abc123.dsql.us-east-1.on.aws IAMDB_USER=app java -cp examples/target/iamdb-demo.jar dev.iamdb.examples.MyBatisExample</pre>
 */
public final class MyBatisExample {
    private static final String CONFIG = "dev/iamdb/examples/mybatis-config.xml";

    private MyBatisExample() {
    }

    public static void main(String[] args) {
        System.out.println(run(Target.fromCommandLine(args, System.getenv())));
    }

    /** Writes and reads a guestbook entry through the {@code Guestbook} mapper. */
    public static Visit run(Target target) {
        // Properties given to build(...) override the <properties> of the XML: the placeholders db.url and db.user.
        Properties overrides = new Properties();
        overrides.setProperty("db.url", target.url());
        overrides.setProperty("db.user", target.user());
        SqlSessionFactory factory;
        try (Reader config = Resources.getResourceAsReader(CONFIG)) {
            factory = new SqlSessionFactoryBuilder().build(config, overrides);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // MyBatis never closes a data source; the application closes iamdb's pool when it is done.
        try (IamPooledDataSource pool = (IamPooledDataSource) factory.getConfiguration().getEnvironment().getDataSource();
             SqlSession session = factory.openSession()) {
            String id = UUID.randomUUID().toString();
            session.insert("Guestbook.sign", Map.of("id", id, "author", "MyBatis", "message", "Hello from MyBatis"));
            session.commit();
            return new Visit(session.selectOne("Guestbook.currentUser"), session.selectOne("Guestbook.message", id),
                    session.<Long>selectOne("Guestbook.entries"), Optional.of(TokenCounts.of(pool)));
        }
    }
}
