/**
 * Puts one example of every `errors`, `warnings` and `pending_mutations` code on sandbox
 * users, so people can see what each looks like (and the app's explanation of it) before they
 * meet it on a real system. Codes tied to a brand go on users of that brand.
 */
import { randomUUID } from 'node:crypto'
import type { AcsUserError, AcsUserPendingMutation, AcsUserWarning } from '../../shared/domain'

export interface UserIssues {
  errors: AcsUserError[]
  warnings: AcsUserWarning[]
  pending_mutations: AcsUserPendingMutation[]
}

export interface PlacedUser {
  acs_user_id: string
  system: string
  full_name: string
  email_address: string
  phone_number?: string
  is_suspended: boolean
  access_schedule?: { starts_at: string; ends_at: string }
  group_ids: string[]
}

type Example = {
  /** Only users of this demo system get it. */
  system?: string
  /** A change still in progress at Seam: begun minutes ago, as they normally are. */
  inProgress?: true
  make: (user: PlacedUser, at: string, otherGroup: string | undefined) => Partial<UserIssues>
}

const EXAMPLES: Example[] = [
  {
    make: (_, at) => ({
      errors: [
        {
          error_code: 'deleted_externally',
          created_at: at,
          message: 'User no longer exists on the access system.',
        },
      ],
    }),
  },
  {
    system: 'salto',
    make: (_, at) => ({
      errors: [
        {
          error_code: 'salto_ks_subscription_limit_exceeded',
          created_at: at,
          message: 'Subscription limit reached for this Salto KS site.',
        },
      ],
    }),
  },
  {
    system: 'brivo',
    make: (_, at) => ({
      errors: [
        {
          error_code: 'failed_to_create_on_acs_system',
          created_at: at,
          message: 'Creating the user on the access system failed.',
        },
      ],
    }),
  },
  {
    make: (_, at) => ({
      errors: [
        {
          error_code: 'failed_to_update_on_acs_system',
          created_at: at,
          message: 'Updating the user on the access system failed.',
        },
      ],
    }),
  },
  {
    make: (_, at) => ({
      errors: [
        {
          error_code: 'failed_to_delete_on_acs_system',
          created_at: at,
          message: 'Deleting the user on the access system failed.',
        },
      ],
    }),
  },
  {
    system: 'latch',
    make: (_, at) => ({
      errors: [
        {
          error_code: 'latch_conflict_with_resident_user',
          created_at: at,
          message: 'A resident with this email already exists in Mission Control.',
        },
      ],
    }),
  },

  {
    make: (_, at) => ({
      warnings: [
        {
          warning_code: 'being_deleted',
          created_at: at,
          message: 'User is being removed from the access system.',
        },
      ],
    }),
  },
  {
    system: 'salto',
    make: (_, at) => ({
      warnings: [
        {
          warning_code: 'salto_ks_user_not_subscribed',
          created_at: at,
          message: 'User is not subscribed on Salto KS.',
        },
      ],
    }),
  },
  {
    system: 'brivo',
    make: (_, at) => ({
      warnings: [
        {
          warning_code: 'acs_user_inactive',
          created_at: at,
          message: 'User is inactive on the access system.',
        },
      ],
    }),
  },
  {
    make: (_, at) => ({
      warnings: [
        {
          warning_code: 'unknown_issue_with_acs_user',
          created_at: at,
          message: 'Could not read the state of this user from the provider.',
        },
      ],
    }),
  },
  {
    system: 'latch',
    make: (_, at) => ({
      warnings: [
        {
          warning_code: 'latch_resident_user',
          created_at: at,
          message: 'User was created in Latch Mission Control.',
        },
      ],
    }),
  },

  {
    inProgress: true,
    make: (_, at) => ({
      pending_mutations: [
        {
          mutation_code: 'creating',
          created_at: at,
          message: 'Creating user on the access system.',
        },
      ],
    }),
  },
  {
    inProgress: true,
    make: (_, at) => ({
      pending_mutations: [
        {
          mutation_code: 'deleting',
          created_at: at,
          message: 'Deleting user on the access system.',
        },
      ],
    }),
  },
  {
    system: 'latch',
    inProgress: true,
    make: (_, at) => ({
      pending_mutations: [
        {
          mutation_code: 'deferring_creation',
          created_at: at,
          message: 'User will be created when a credential is issued.',
          scheduled_at: new Date(Date.parse(at) + 2 * 86_400_000).toISOString(),
        },
      ],
    }),
  },
  {
    inProgress: true,
    make: (user, at) => ({
      pending_mutations: [
        {
          mutation_code: 'updating_user_information',
          created_at: at,
          message: 'Updating user information on the access system.',
          from: {
            full_name: user.full_name.split(' ')[0] ?? user.full_name,
            email_address: user.email_address,
          },
          to: { full_name: user.full_name, email_address: user.email_address },
        },
      ],
    }),
  },
  {
    inProgress: true,
    make: (user, at) => ({
      pending_mutations: [
        {
          mutation_code: 'updating_access_schedule',
          created_at: at,
          message: 'Updating the access schedule on the access system.',
          from: { starts_at: null, ends_at: null },
          to: {
            starts_at: user.access_schedule?.starts_at ?? at,
            ends_at: user.access_schedule?.ends_at ?? null,
          },
        },
      ],
    }),
  },
  {
    inProgress: true,
    make: (user, at) => ({
      pending_mutations: [
        {
          mutation_code: 'updating_suspension_state',
          created_at: at,
          message: 'Updating suspension on the access system.',
          from: { is_suspended: !user.is_suspended },
          to: { is_suspended: user.is_suspended },
        },
      ],
    }),
  },
  {
    inProgress: true,
    make: (user, at, otherGroup) => ({
      pending_mutations: [
        {
          mutation_code: 'updating_group_membership',
          created_at: at,
          message: 'Moving the user to another access group.',
          from: { acs_access_group_id: otherGroup ?? null },
          to: { acs_access_group_id: user.group_ids[0] ?? null },
        },
      ],
    }),
  },
  {
    inProgress: true,
    make: (user, at, otherGroup) => ({
      pending_mutations: [
        {
          mutation_code: 'deferring_group_membership_update',
          created_at: at,
          message: 'Group change will be applied later.',
          acs_access_group_id: otherGroup ?? user.group_ids[0] ?? randomUUID(),
          variant: 'adding',
        },
      ],
    }),
  },
  {
    inProgress: true,
    make: (_, at) => ({
      pending_mutations: [
        {
          mutation_code: 'updating_credential_assignment',
          created_at: at,
          message: 'Changing which credential this user has.',
          from: { acs_credential_id: null },
          to: { acs_credential_id: randomUUID() },
        },
      ],
    }),
  },
]

/**
 * Chooses a user for each example (spread through the list, never the same user twice) and
 * returns their issues by user id. `groupsOf` lists a system's group ids, for the group codes.
 */
export function placeIssues(
  users: PlacedUser[],
  groupsOf: (system: string) => string[],
  now: number,
): Map<string, UserIssues> {
  const issues = new Map<string, UserIssues>()
  const used = new Set<string>()
  EXAMPLES.forEach((example, n) => {
    const candidates = users.filter(
      (u) => (!example.system || u.system === example.system) && !used.has(u.acs_user_id),
    )
    // Spread examples over the list so they do not all sit at the top of the table.
    const user = candidates[Math.floor((((n * 7 + 3) % 17) / 17) * candidates.length)]
    if (!user) return
    used.add(user.acs_user_id)
    const other = groupsOf(user.system).find((g) => !user.group_ids.includes(g))
    // Errors and warnings have stood for hours; changes in progress began minutes ago, as they
    // normally do (one older than an hour would be shown as stuck).
    const ago = example.inProgress ? (n % 9) + 2 : (n + 1) * 47
    const at = new Date(now - ago * 60_000).toISOString()
    const made = example.make(user, at, other)
    issues.set(user.acs_user_id, {
      errors: made.errors ?? [],
      warnings: made.warnings ?? [],
      pending_mutations: made.pending_mutations ?? [],
    })
  })
  return issues
}
