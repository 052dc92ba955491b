package store

import (
	"context"
	"database/sql"
	"fmt"
)

func FindUser(db *sql.DB, name string) (*sql.Rows, error) {
	// ruleid: go.sql-injection
	return db.Query(fmt.Sprintf("SELECT id FROM users WHERE name = '%s'", name))
}

func Delete(ctx context.Context, db *sql.DB, id string) error {
	q := "DELETE FROM items WHERE id = " + id
	// ruleid: go.sql-injection
	_, err := db.ExecContext(ctx, q)
	return err
}

func FindUserSafe(db *sql.DB, name string) (*sql.Rows, error) {
	// ok: go.sql-injection
	return db.Query("SELECT id FROM users WHERE name = $1", name)
}

func Count(ctx context.Context, db *sql.DB) *sql.Row {
	// ok: go.sql-injection
	return db.QueryRowContext(ctx, "SELECT count(*) FROM items")
}
