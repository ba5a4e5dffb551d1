/**
 * Whether the page holds typed input that a restart would throw away. Judged from the page
 * itself, so every form counts, whoever wrote it: an open dialog with a form, or any form
 * field whose value is not what the page first drew. Errs on the safe side (an edit form that
 * was merely opened counts): a restart can always wait.
 */
export function pageHasUnsavedInput(doc: Document = document): boolean {
  if (doc.querySelector('dialog[open] form')) return true
  const fields = doc.querySelectorAll<HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement>(
    'form input, form textarea, form select',
  )
  for (const field of fields) {
    if (field.closest('[role="search"]') || field.type === 'search') continue
    if (field instanceof HTMLSelectElement) {
      if ([...field.options].some((o) => o.selected !== o.defaultSelected)) return true
    } else if (field.type === 'checkbox' || field.type === 'radio') {
      if ((field as HTMLInputElement).checked !== (field as HTMLInputElement).defaultChecked)
        return true
    } else if (field.value !== field.defaultValue) return true
  }
  return false
}
