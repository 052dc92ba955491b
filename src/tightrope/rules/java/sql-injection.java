import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

public class UserDao {
    private final Connection conn;

    public UserDao(Connection conn) {
        this.conn = conn;
    }

    public ResultSet findByName(String name) throws SQLException {
        Statement st = conn.createStatement();
        // ruleid: java.sql-injection
        return st.executeQuery("SELECT * FROM users WHERE name = '" + name + "'");
    }

    public int delete(String id) throws SQLException {
        String sql = String.format("DELETE FROM items WHERE id = %s", id);
        // ruleid: java.sql-injection
        return conn.createStatement().executeUpdate(sql);
    }

    public ResultSet findByNameSafe(String name) throws SQLException {
        // ok: java.sql-injection
        PreparedStatement ps = conn.prepareStatement("SELECT * FROM users WHERE name = ?");
        ps.setString(1, name);
        return ps.executeQuery();
    }

    public ResultSet all() throws SQLException {
        // ok: java.sql-injection
        return conn.createStatement().executeQuery("SELECT * FROM users");
    }
}
