/**
 * The Seam objects Keyholder works with. Types come from the official `@seamapi/types`
 * package so the app follows the real API, not our guess of it.
 */
import type {
  AcsAccessGroup,
  AcsEntrance,
  AcsSystem,
  AcsUser,
  SeamEvent,
} from '@seamapi/types/connect'

export type { AcsAccessGroup, AcsEntrance, AcsSystem, AcsUser, SeamEvent }

export type AcsUserError = AcsUser['errors'][number]
export type AcsUserWarning = AcsUser['warnings'][number]
export type AcsUserPendingMutation = NonNullable<AcsUser['pending_mutations']>[number]

/** The workspace the sandbox runs under; it is always present and never stored. */
export const SANDBOX_WORKSPACE_ID = 'sandbox'
