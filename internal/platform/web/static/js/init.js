// Starts the design system's components. Kept in its own file because the
// Content-Security-Policy allows no inline script. Pages work without it.
import { initAll } from './govuk-frontend.min.js'

document.body.classList.add('js-enabled', 'govuk-frontend-supported')
initAll()
