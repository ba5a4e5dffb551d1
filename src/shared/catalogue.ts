/**
 * Plain-language catalogue of everything an `acs_user` can carry: its properties, error codes,
 * warning codes, pending-mutation codes and brand user types. The readers are front-desk staff
 * and building technicians, so every text says what happens at the doors and what to do next,
 * in our own words rather than Seam's developer documentation.
 *
 * It is plain data with type-only imports so the renderer bundle stays small (no zod at runtime),
 * and every table is a `Record` over the official unions so the compiler flags a missing entry as
 * soon as `@seamapi/types` gains a code.
 */
import type { AcsUser, AcsUserError, AcsUserPendingMutation, AcsUserWarning } from './domain'

export type Severity = 'error' | 'warning' | 'info'

export interface CodeExplanation {
  /** A short heading a clerk understands, e.g. "Removed outside Keyholder". */
  title: string
  /** What it means for this person and their doors, 1–2 sentences. */
  explanation: string
  /** What the person should do now, concretely (who to call, what to click, or "nothing — wait"). */
  next_step: string
  severity: Severity
  /** While it lasts, none of the person's doors opens for them whatever their groups say. */
  locksOut?: boolean
}

export type ErrorCode = AcsUserError['error_code']
export type WarningCode = AcsUserWarning['warning_code']
export type MutationCode = AcsUserPendingMutation['mutation_code']

/** Escalation goes through whoever runs Keyholder: clerks usually have no account with Seam. */
const ESCALATE =
  'give the user ID and the message below to your Keyholder administrator, who can raise it with Seam support'

/** Most pending changes clear on their own; only a stuck one needs a person. */
const WAIT = `Nothing — wait a few minutes and refresh. If it is still here after an hour, ${ESCALATE}.`

export const errorCodes: Record<ErrorCode, CodeExplanation> = {
  deleted_externally: {
    title: 'Removed outside Keyholder',
    explanation:
      "Someone deleted this person directly in the door system's own software, so this record is only a leftover. Their cards, codes and mobile keys no longer open anything.",
    next_step:
      'If they still need access, add them again in Keyholder. If they do not, delete this leftover record.',
    severity: 'error',
    locksOut: true,
  },
  salto_ks_subscription_limit_exceeded: {
    title: 'Salto KS site has no free user slots',
    explanation:
      'Salto KS only lets a set number of people be active on a site at once, and every slot is taken, so this person did not get one. Without a slot they cannot open any door.',
    next_step:
      'Free a slot by suspending or deleting someone who no longer needs access, or ask the Salto KS site owner about a larger plan. Then refresh this person.',
    severity: 'error',
    locksOut: true,
  },
  failed_to_create_on_acs_system: {
    title: 'Could not be added to the door system',
    explanation:
      'Keyholder and Seam have this person, but the door system did not accept them. None of their credentials work yet.',
    next_step: `Refresh in a few minutes. If the error is still here, ${ESCALATE}.`,
    severity: 'error',
    locksOut: true,
  },
  failed_to_update_on_acs_system: {
    title: 'Last change did not reach the door system',
    explanation:
      'A recent change to this person (details, dates, groups or suspension) was not applied by the door system. Their doors may still follow the old settings.',
    next_step: `Refresh in a few minutes. If the error stays, make the change once more; if that fails too, ${ESCALATE}.`,
    severity: 'error',
  },
  failed_to_delete_on_acs_system: {
    title: 'Could not be removed from the door system',
    explanation:
      'Someone asked for this person to be deleted (here, in Seam or in another app), but the door system did not remove them. Their cards, codes or mobile keys may still open doors.',
    next_step: `If they must lose access now, ask a technician to remove them in the door system's own software. Then ${ESCALATE}.`,
    severity: 'error',
  },
  latch_conflict_with_resident_user: {
    title: 'Duplicate of a Latch resident',
    explanation:
      'This person was added through Keyholder, but Latch Mission Control already lists them as a resident. Latch cannot keep two records for one person in step, so their access may be wrong.',
    next_step: `Manage this person in Latch Mission Control and delete this Keyholder record if it is a duplicate. If their access is still wrong, ${ESCALATE}.`,
    severity: 'error',
  },
}

export const warningCodes: Record<WarningCode, CodeExplanation> = {
  being_deleted: {
    title: 'Being removed',
    explanation:
      'This person is on their way out of the door system. Their access ends once the removal is finished, normally within moments.',
    next_step: WAIT,
    severity: 'info',
  },
  salto_ks_user_not_subscribed: {
    title: 'No active Salto KS slot',
    explanation:
      "This person does not hold one of the Salto KS site's active-user slots right now, so their keys open nothing. Usually their access dates have not begun or are over, the site is out of slots, or someone removed their slot by hand.",
    next_step:
      'Check their access dates on this page. If the dates are current, free a slot (suspend or delete someone who has left) or ask the Salto KS site owner to make them active again.',
    severity: 'warning',
    locksOut: true,
  },
  acs_user_inactive: {
    title: 'Not active in the door system',
    explanation:
      'The door system knows this person but will not let them in at the moment, for example because their dates have not begun or are over, it has no room for more active people, or they were switched off there. This is different from being suspended in Keyholder.',
    next_step:
      "Check their access dates and fix them if they are wrong (Seam's message below may say more). Otherwise ask the door system's administrator to make them active again.",
    severity: 'warning',
    locksOut: true,
  },
  unknown_issue_with_acs_user: {
    title: 'Unexplained problem with the door system',
    explanation:
      'Seam ran into a problem it could not identify while checking this person against the door system. What their card or code really opens may differ from what Keyholder shows.',
    next_step: `Refresh in a few minutes. If the warning stays, have the person try a door, and ${ESCALATE}.`,
    severity: 'warning',
  },
  latch_resident_user: {
    title: 'Managed in Latch Mission Control',
    explanation:
      'This person was set up as a resident in Latch Mission Control, not through Keyholder. Latch stays in charge of their record and their doors.',
    next_step:
      'Make any change to this person in Latch Mission Control. Keyholder shows them for reference only.',
    severity: 'warning',
  },
}

export const mutationCodes: Record<MutationCode, CodeExplanation> = {
  creating: {
    title: 'Being added to the door system',
    explanation:
      'Seam is still passing this new person on to the door system. Their cards, codes and mobile keys start working once it is done.',
    next_step: WAIT,
    severity: 'info',
  },
  deleting: {
    title: 'Removal on its way',
    explanation:
      'Seam is still passing the removal of this person on to the door system. Until it arrives, their credentials may still open doors.',
    next_step: WAIT,
    severity: 'info',
  },
  deferring_creation: {
    title: 'Held back until needed',
    explanation:
      'Seam is holding this person back on purpose and will add them to the door system later, once they are given a card, code or mobile key or at the planned time. No door knows them yet.',
    next_step:
      'Nothing to fix. Give them a credential when they need access; the door system receives them then.',
    severity: 'info',
  },
  updating_user_information: {
    title: 'Name or contact change on its way',
    explanation:
      "Seam is still passing a change to this person's name, email or phone number on to the door system. Their access is not affected.",
    next_step: WAIT,
    severity: 'info',
  },
  updating_access_schedule: {
    title: 'New access dates on their way',
    explanation:
      'Seam is still passing a change to when this person may enter on to the door system. Until it arrives, the doors follow the previous dates and times.',
    next_step: WAIT,
    severity: 'info',
  },
  updating_suspension_state: {
    title: 'Suspend or unsuspend on its way',
    explanation:
      "Seam is still passing a suspension, or the end of one, on to the door system. Until it arrives, this person's doors behave as before.",
    next_step: WAIT,
    severity: 'info',
  },
  updating_group_membership: {
    title: 'Access group change on its way',
    explanation:
      'Seam is still passing on that this person joins or leaves an access group. The doors they can open change once it arrives.',
    next_step: WAIT,
    severity: 'info',
  },
  deferring_group_membership_update: {
    title: 'Access group change planned for later',
    explanation:
      'This person is due to join or leave an access group at a set time. Their doors stay as they are until then.',
    next_step:
      'Nothing — it happens by itself at the planned time. If the timing is wrong, check their access dates and groups.',
    severity: 'info',
  },
  updating_credential_assignment: {
    title: 'Card or code change on its way',
    explanation:
      'Seam is still giving a card, code or mobile key to this person, or taking one away, in the door system. Until it is done, that credential may not behave as expected.',
    next_step: WAIT,
    severity: 'info',
  },
}

/**
 * `Object.hasOwn`, not `in`: codes arrive from the network and must not match inherited keys such
 * as `constructor`.
 */
function lookup<C extends string>(
  table: Record<C, CodeExplanation>,
  code: string,
): CodeExplanation | undefined {
  return Object.hasOwn(table, code) ? table[code as C] : undefined
}

/** A newer Seam API can send codes this build has never seen; the raw code is what support needs. */
export function describeError(code: string): CodeExplanation {
  return (
    lookup(errorCodes, code) ?? {
      title: 'Unrecognised problem',
      explanation: `The door system reported a problem with the code "${code}", which this version of Keyholder does not know yet. This person's access may not work as expected.`,
      next_step: `Read the message below. If it does not make clear what to do, ${ESCALATE}, quoting the code "${code}".`,
      severity: 'error',
    }
  )
}

export function describeWarning(code: string): CodeExplanation {
  return (
    lookup(warningCodes, code) ?? {
      title: 'Unrecognised warning',
      explanation: `The door system flagged this person with the code "${code}", which this version of Keyholder does not know yet. Their access may still work, but it needs a look.`,
      next_step: `Read the message below. If it does not make clear what to do, ${ESCALATE}, quoting the code "${code}".`,
      severity: 'warning',
    }
  )
}

/**
 * What to do about a change Seam has had in progress for over an hour, or null when that is
 * not a sign of trouble (a creation held back on purpose waits as long as it needs to).
 */
export function stuckMutationStep(code: string): string | null {
  if (code === 'deferring_creation') return null
  return `It has been in progress for more than an hour, longer than such changes take: ${ESCALATE}.`
}

export function describeMutation(code: string): CodeExplanation {
  return (
    lookup(mutationCodes, code) ?? {
      title: 'Change on its way',
      explanation: `Seam is still passing a change of the kind "${code}" on to the door system; this version of Keyholder does not know that kind yet. Until it arrives, the doors may behave as before.`,
      next_step: `Nothing — wait a few minutes and refresh. If it is still here after an hour, ${ESCALATE}, quoting the code "${code}".`,
      severity: 'info',
    }
  )
}

export interface PropertyInfo {
  label: string
  explanation: string
}

/**
 * Every top-level field of an `acs_user`, including the old and internal ones, so a technician who
 * sees a raw field name anywhere can look it up.
 */
export const properties: Record<keyof AcsUser, PropertyInfo> = {
  acs_user_id: {
    label: 'User ID',
    explanation:
      "Seam's own reference for this person in this door system. Quote it whenever you ask for help.",
  },
  acs_system_id: {
    label: 'Door system ID',
    explanation:
      'Which door system this person belongs to. Someone with access to two buildings on different systems has one record in each.',
  },
  hid_acs_system_id: {
    label: 'HID system ID',
    explanation:
      'Only filled in for HID systems: the HID system behind this person. Keyholder does not need it.',
  },
  workspace_id: {
    label: 'Workspace ID',
    explanation: "The Seam workspace (your organisation's Seam account) that holds this record.",
  },
  created_at: {
    label: 'Added on',
    explanation: 'When this person was first added through Seam.',
  },
  display_name: {
    label: 'Display name',
    explanation: 'The name shown for this person in lists, usually their full name.',
  },
  external_type: {
    label: 'User type',
    explanation:
      "What the door system's maker calls this kind of person, for example a Salto KS site user or a Brivo user. It tells you whose software holds them.",
  },
  external_type_display_name: {
    label: 'User type name',
    explanation: 'The same user type spelled out as the brand writes it.',
  },
  is_suspended: {
    label: 'Suspended',
    explanation:
      'When yes, this person is blocked for now and none of their cards, codes or mobile keys open a door. Unsuspend them to give access back.',
  },
  access_schedule: {
    label: 'Access dates',
    explanation:
      "When this person's access begins and, if set, when it ends. Outside these dates their doors stay shut to them.",
  },
  user_identity_id: {
    label: 'Linked identity ID',
    explanation:
      'If set, this record belongs to a person identity in Seam that can tie together their records in several door systems and apps.',
  },
  user_identity_full_name: {
    label: 'Identity name',
    explanation:
      'The name on the linked person identity. It can differ from the name in this door system.',
  },
  user_identity_email_address: {
    label: 'Identity email',
    explanation:
      'The email address on the linked person identity. It can differ from the one in this door system.',
  },
  user_identity_phone_number: {
    label: 'Identity phone',
    explanation:
      'The phone number on the linked person identity, in international form. It can differ from the one in this door system.',
  },
  warnings: {
    label: 'Warnings',
    explanation:
      'Things that may stop this person getting in or that deserve a look. Keyholder explains each one and what to do.',
  },
  errors: {
    label: 'Errors',
    explanation:
      'Problems Seam found between this record and the door system. Until they are fixed, what the doors allow may not match Keyholder.',
  },
  pending_mutations: {
    label: 'Changes on their way',
    explanation:
      'Changes the door system has not confirmed yet. Until they clear, the doors may still behave the old way.',
  },
  last_successful_sync_at: {
    label: 'Last checked',
    explanation:
      'When Seam last finished comparing this record with the door system. Seam uses it internally and may leave it empty.',
  },
  connected_account_id: {
    label: 'Connected account ID',
    explanation:
      "The door-system login Seam uses on your behalf to reach this person, such as the building's Salto KS or Brivo account.",
  },
  salto_space_metadata: {
    label: 'Salto Space details',
    explanation:
      "Extra facts only Salto Space provides: this person's number in Salto Space and whether their door openings are logged.",
  },
  salto_ks_metadata: {
    label: 'Salto KS details',
    explanation:
      "Extra facts only Salto KS provides, chiefly whether this person holds one of the site's active-user slots. Without a slot they cannot open doors.",
  },
  full_name: {
    label: 'Full name',
    explanation: "This person's name as the door system stores it.",
  },
  email: {
    label: 'Email (old field)',
    explanation: 'An older copy of the email address. Use the Email address field instead.',
  },
  email_address: {
    label: 'Email address',
    explanation:
      "This person's email in the door system. Some brands use it to send them an app invitation or mobile key.",
  },
  phone_number: {
    label: 'Phone number',
    explanation:
      "This person's phone number in international form, starting with + and the country code.",
  },
  is_managed: {
    label: 'Managed through Seam',
    explanation:
      'Yes for everyone Keyholder lists: Seam may change this record. People Seam only watches are not shown.',
  },
}

export const externalTypes: Record<
  NonNullable<AcsUser['external_type']>,
  { brand: string; label: string }
> = {
  pti_user: { brand: 'PTI', label: 'PTI user' },
  brivo_user: { brand: 'Brivo', label: 'Brivo user' },
  hid_credential_manager_user: { brand: 'HID', label: 'HID Credential Manager user' },
  salto_site_user: { brand: 'Salto KS', label: 'Salto KS site user' },
  latch_user: { brand: 'Latch', label: 'Latch user' },
  dormakaba_community_user: { brand: 'dormakaba', label: 'dormakaba Community user' },
  salto_space_user: { brand: 'Salto Space', label: 'Salto Space user' },
  avigilon_alta_user: { brand: 'Avigilon Alta', label: 'Avigilon Alta user' },
  kisi_user: { brand: 'Kisi', label: 'Kisi user' },
}

/**
 * Our label wins for known types because it always names the brand the same way; the API's own
 * display name covers types newer than this build, and the raw type is the last resort.
 */
export function describeExternalType(type: string | undefined, displayName?: string): string {
  if (type !== undefined && Object.hasOwn(externalTypes, type)) {
    return externalTypes[type as keyof typeof externalTypes].label
  }
  const named = displayName?.trim()
  if (named) return named
  if (type) return `Other user type (${type})`
  return 'User type not given'
}
