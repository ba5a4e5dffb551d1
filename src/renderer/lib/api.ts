import type { InvokeChannel, RequestOf, ResponseOf } from '../../shared/contract'
import { unwrap } from '../../shared/errors'

/** Calls main and returns the value, or throws a KeyholderFailure the UI can explain. */
export async function call<C extends InvokeChannel>(
  channel: C,
  request: RequestOf<C>,
): Promise<ResponseOf<C>> {
  return unwrap(await window.keyholder.invoke(channel, request))
}
