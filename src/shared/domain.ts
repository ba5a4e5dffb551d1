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

/**
 * A person's errors, warnings and pending changes, each an empty list when missing. Main fills
 * them in for every answer now, but a person cached before then (or by an older version, from
 * a server such as Seam's fake that leaves them out) may lack them.
 */
export function problemListsOf(user: {
  errors?: readonly AcsUserError[] | null
  warnings?: readonly AcsUserWarning[] | null
  pending_mutations?: readonly AcsUserPendingMutation[] | null
}): {
  errors: readonly AcsUserError[]
  warnings: readonly AcsUserWarning[]
  pending_mutations: readonly AcsUserPendingMutation[]
} {
  return {
    errors: user.errors ?? [],
    warnings: user.warnings ?? [],
    pending_mutations: user.pending_mutations ?? [],
  }
}

/** The workspace the sandbox runs under; it is always present and never stored. */
export const SANDBOX_WORKSPACE_ID = 'sandbox'
/** What the embedded sandbox is called everywhere on screen. */
export const SANDBOX_NAME = 'Sandbox — practice data'

/**
 * Why a workspace may not have this name, or null. A real workspace must never pass for the
 * practice sandbox: a clerk could think they are practising while changing real doors.
 */
export function workspaceNameProblem(name: string): string | null {
  const trimmed = name.trim()
  if (!trimmed) return 'Enter a name, for example "Head office".'
  if (trimmed.length > 100) return 'Use at most 100 characters.'
  // Only the sandbox's own name, however spelled: "Riverside Dental Practice" is a real name.
  const letters = (text: string) => text.toLowerCase().replace(/[^\p{L}]+/gu, '')
  const sandboxLike = [SANDBOX_NAME, 'Sandbox', 'Practice data', 'Practice'].map(letters)
  if (sandboxLike.includes(letters(trimmed))) {
    return 'That name is kept for the practice sandbox, so real doors are never mistaken for practice. Choose another name.'
  }
  return null
}
