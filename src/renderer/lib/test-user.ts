import type { AcsUser } from '../../shared/domain'

/** A believable server copy of one person, for tests: what `over` does not say is plain. */
export function testUser(over: Partial<AcsUser> = {}): AcsUser {
  return {
    acs_user_id: 'b8a1f6e2-0000-4000-8000-000000000001',
    acs_system_id: 'sys-1',
    workspace_id: 'ws-1',
    connected_account_id: 'ca-1',
    created_at: '2025-11-02T08:30:00.000Z',
    display_name: over.full_name ?? 'Someone',
    is_suspended: false,
    is_managed: true,
    errors: [],
    warnings: [],
    pending_mutations: [],
    last_successful_sync_at: '2026-01-15T11:00:00.000Z',
    ...over,
  }
}
