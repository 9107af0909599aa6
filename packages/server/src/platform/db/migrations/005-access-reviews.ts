import type { Kysely } from 'kysely';

/** Managers (who review their staff's access), access-review campaigns and their decisions. */
export function accessReviewMigration() {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('users').addColumn('manager_id', 'text').execute();
      await db.schema
        .createTable('access_reviews')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('created_by', 'text')
        .addColumn('due_at', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('closed_at', 'text')
        .execute();
      await db.schema
        .createTable('access_review_items')
        .addColumn('review_id', 'text', (c) => c.notNull().references('access_reviews.id').onDelete('cascade'))
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('reviewer_id', 'text')
        .addColumn('roles', 'text', (c) => c.notNull())
        .addColumn('decision', 'text', (c) => c.notNull())
        .addColumn('decided_at', 'text')
        .addColumn('decided_by', 'text')
        .addPrimaryKeyConstraint('access_review_items_pk', ['review_id', 'user_id'])
        .execute();
      await db.schema.createIndex('access_review_items_reviewer').on('access_review_items').columns(['reviewer_id', 'decision']).execute();
    },
  };
}
