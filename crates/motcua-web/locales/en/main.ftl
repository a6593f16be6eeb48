site-name = One-stop
site-tagline = Administrative procedures
skip-link = Skip to main content
nav-home = Home
nav-track = Track a dossier
nav-kiosk = Kiosk
nav-staff = Staff
lang-switch = Language
footer-text = One-stop administrative procedure system — two-level local government of Viet Nam.
footer-api = API for developers

home-title = What do you need to do?
home-lead = Find a procedure in your own words, with or without Vietnamese accents: documents to bring, fees, time and where to file.
search-label = Find a procedure
search-hint = For example: birth registration, certified copy, dang ky ket hon
search-button = Search
search-results = { $count ->
    [0] No procedure found for “{ $q }”.
    [one] One procedure found for “{ $q }”.
   *[other] { $count } procedures found for “{ $q }”.
}
search-none-help = Try other words, or ask an officer at the nearest Public Administration Service Center.
home-all = All procedures
home-stats = { $procedures } procedures · { $provinces } provinces · { $communes } communes, wards and special zones
home-track-title = Already filed?
home-track-lead = Check the status with your dossier code and phone number.

proc-field = Field
proc-level = Level
proc-agency = Deciding agency
proc-purpose = What this procedure is for
proc-steps = Steps
proc-documents = Documents to bring
proc-case = Case
proc-originals = Originals
proc-copies = Copies
proc-form = Form
proc-optional = if any
proc-fees = Fees and charges
proc-fee-free = No fee
proc-fee-council = Set by the provincial People's Council
proc-time = Processing time
proc-channel = How to file
proc-requirements = Conditions
proc-legal = Legal basis
proc-results = Result
proc-where = Where to file
proc-where-commune = The Public Administration Service Center of the commune or ward where you live.
proc-where-boundary-free = This procedure can be filed at any Public Administration Service Center in the province, wherever you live.
proc-where-province = The provincial Public Administration Service Center, or a commune center (which forwards it to the deciding agency).
proc-where-find = Find where to file from your address (old addresses work too)
proc-where-address = Your address
proc-where-button = Find
proc-where-result = This address is now in { $commune }, { $province }.
proc-where-partial = The old commune was split: your address may be in one of these units.
proc-where-none = This address was not recognised. Write the commune, district and province (accents optional).
proc-online = Fully online service
proc-apply = Apply online
proc-example = Example value, not confirmed by a legal text
proc-not-found = There is no procedure with this code.
proc-version = Version { $version }

channel-direct = In person
channel-online = Online
channel-postal = By post
channel-kiosk = Kiosk

level-commune = Commune
level-province = Province
level-central = Central

time-same-day = Same day (filed after 15:00: the next working day)
time-working-hours = { $n ->
    [one] { $n } working hour
   *[other] { $n } working hours
}
time-working-days = { $n ->
    [one] { $n } working day
   *[other] { $n } working days
}
time-days = { $n ->
    [one] { $n } day
   *[other] { $n } days
}
time-months = { $n ->
    [one] { $n } month
   *[other] { $n } months
}

track-title = Track a dossier
track-lead = Enter the dossier code printed on your receipt and the phone number you gave when filing.
track-code = Dossier code
track-code-hint = For example: 24958-250303-0001
track-phone = Phone number
track-button = Track
track-not-found = No dossier with this code and phone number. Please check your receipt.
track-status = Status
track-due = Result due
track-agency = Being handled by
track-submitted = Filed on
track-timeline = Progress
error-summary = There is a problem
error-code-required = Enter the dossier code
error-phone-invalid = Enter a phone number of 10 or 11 digits starting with 0

status-submitted = Submitted
status-received = Received
status-refused = Not accepted
status-processing = Being processed
status-supplement_requested = Documents needed
status-awaiting_payment = Waiting for fees
status-withdrawn = Withdrawn
status-stopped = Stopped
status-finished = Result ready
status-returned = Result returned

action-submit = Filed
action-receive = Received
action-refuse = Not accepted
action-request_supplement = More documents requested
action-supplement = Documents supplied
action-assign = Assigned to an officer
action-transfer = Sent to another agency
action-request_payment = Fees requested
action-pay = Fees paid
action-finish = Result ready
action-return_result = Result returned
action-reschedule = Apology and new date
action-withdraw = Withdrawn
action-stop = Stopped

not-found-title = Page not found
not-found-lead = The page you are looking for does not exist. Go back to the home page.

kind-commune_peoples_committee = Commune People's Committee
kind-commune_police = Commune police
kind-commune_service_center = Commune Public Administration Service Center
kind-provincial_peoples_committee = Provincial People's Committee
kind-provincial_service_center = Provincial Public Administration Service Center
kind-provincial_police = Provincial police
kind-department_of_justice = Department of Justice
kind-department_of_home_affairs = Department of Home Affairs
kind-department_of_construction = Department of Construction
kind-social_insurance = Social insurance office

staff-login-title = Staff sign-in
staff-login-lead = Enter the access token issued for your agency and role.
staff-token = Access token
staff-login-button = Sign in
staff-login-error = The access token is not valid
staff-logout = Sign out
staff-signed-in = { $agency } · { $role }
nav-counter = Intake
nav-inbox = Inbox
counter-title = In-person intake
counter-procedure = Procedure
counter-choose = Choose the procedure
counter-choose-button = Choose
counter-applicant = Applicant
counter-name = Full name
counter-id = Citizen ID number (12 digits)
counter-phone = Phone number
counter-email = E-mail (optional)
counter-address = Address
counter-summary = Requested content
counter-components = Documents received
counter-received = Received
counter-receive-button = Receive and issue the appointment
inbox-title = Inbox
inbox-filter = Filter
inbox-all = All
inbox-overdue = Overdue
inbox-status = Status
inbox-empty = No dossiers.
inbox-code = Dossier code
inbox-applicant = Applicant
inbox-due = Due
inbox-next = Next page
dossier-title = Dossier { $code }
dossier-actions = Actions
dossier-no-actions = The dossier is closed; no action is left.
dossier-due-explain = How the due date was computed
dossier-events = Event log
dossier-receipt = Print the receipt
dossier-done = Done: { $action }.
field-reason = Reason
field-handler = Handler
field-to-agency = Send to agency (code)
field-amount = Amount (VND)
field-result = Result
field-document-number = Document number
field-new-due = New appointment
field-items = Documents to supplement
field-method = How it is returned
receipt-title = Receipt and appointment slip
receipt-print = Print

do-receive = Receive the dossier
do-refuse = Refuse at intake
do-request_supplement = Request more documents
do-supplement = Record the documents supplied
do-assign = Assign a handler
do-transfer = Send to another agency
do-request_payment = Request fees
do-pay = Record the payment
do-finish = Record the result
do-return_result = Return the result
do-reschedule = Apologise and set a new date
do-withdraw = Withdraw at the applicant's request
do-stop = Stop processing

apply-start-title = Apply online
apply-start-lead = You will answer a few questions, upload your documents and check your answers before you submit. No account is needed.
apply-start-button = Start now
apply-back = Back
apply-continue = Continue
apply-where-title = Where do you live?
apply-where-hint = Write the commune or ward, district and province. An old (pre-July 2025) address works too.
apply-where-choose = Choose the unit where you live
apply-where-error = This address was not recognised. Write the commune, district and province.
apply-where-choose-error = Choose one unit
apply-name-title = What is your full name?
apply-name-error = Enter your full name
apply-id-title = What is your citizen ID (CCCD) number?
apply-id-hint = 12 digits, printed on your ID card.
apply-id-error = The CCCD number must have exactly 12 digits
apply-contact-title = How can we contact you?
apply-contact-hint = The phone number and the dossier code let you track your dossier.
apply-email-error = Enter an e-mail address in the right format
apply-docs-title = Upload your documents
apply-docs-hint = PDF, JPEG or PNG files, at most 5 MB each.
apply-docs-uploaded = Uploaded
apply-docs-remove = Remove
apply-docs-missing = Upload: { $name }
apply-docs-button = Upload and continue
apply-check-title = Check your answers before submitting
apply-change = Change
apply-receiving = Receiving point
apply-submit = Submit the application
apply-done-title = Application submitted
apply-done-code = Your dossier code
apply-done-next = What happens next
apply-done-next-text = { $agency } will check your dossier during office hours. Once it is received you will get the date your result is due; the processing time is { $time }.
apply-done-track = Keep the dossier code. You can track the status with this code and your phone number.
apply-expired = This application has expired or does not exist. Please start again.

nav-dashboard = Dashboard
nav-admin = Administration
dash-title = Dashboard
dash-scope-province = Whole province
dash-scope-agency = Your agency
dash-total = Dossiers
dash-on-time-rate = On-time rate
dash-on-time-rate-value = { $rate }% ({ $on_time } of { $finished } finished dossiers)
dash-overdue = Overdue now
dash-by-status = Dossiers by status
dash-per-day = Dossiers filed per day (last 30 days)
dash-by-agency = By receiving point
dash-agency = Receiving point
dash-received = Received
dash-finished = Finished
dash-overdue-list = Overdue dossiers
dash-forbidden = The dashboard is for leaders and administrators.
kiosk-title = Self-service kiosk
kiosk-find = Find a procedure
kiosk-track = Track a dossier
kiosk-choose-field = Choose a field
kiosk-choose-procedure = Choose a procedure
kiosk-apply = Apply at this kiosk
kiosk-enter-code = Enter the dossier code
kiosk-enter-phone = Enter the phone number
kiosk-delete = Delete
kiosk-ok = Done
kiosk-start-over = Start again
kiosk-print = Print the slip
kiosk-reset-note = The screen goes back to the start after 2 minutes without use.
admin-title = Administration
admin-catalogue = Procedure catalogue
admin-holidays = Holidays by year
admin-edit = Edit
admin-versions = Versions
admin-json = Procedure record (JSON)
admin-json-hint = Saving creates a new version; dossiers already received keep theirs.
admin-save = Save as a new version
admin-saved = Saved: { $result }
admin-province = Province
admin-year = Year
admin-show = Show
admin-holiday-source-default = Proposed from the Labour Code (no official notice entered)
admin-holiday-source-official = From the official notice entered
admin-holiday-lines = Days (one per line: YYYY-MM-DD, off or work, name)
admin-holiday-save = Save as the official notice
admin-forbidden = Administration is for administrators.

counter-decision = Result of the intake check
counter-refuse-button = Refuse at intake
counter-supplement-button = Request the unticked documents
counter-reason = Reason (required to refuse)
counter-supplement-none = Untick the missing documents before requesting them
inbox-due-filter = Due
inbox-due-today = Due by today
inbox-due-soon = Due within 3 days
inbox-procedure = Procedure
upload-too-large = The file is larger than 5 MB
upload-unsupported = Only PDF, JPEG or PNG files are accepted
upload-mislabelled = The file's content does not match its type
upload-empty = The file is empty

err-dossier-invalid_transition = This action is not possible in the dossier's current status.
err-dossier-version_conflict = Someone else has just updated the dossier. Reload the page and try again.
err-dossier-supplement_already_requested = A supplement was already requested once; a second request is not allowed.
err-dossier-supplement_item_not_in_procedure = Only documents listed for the procedure may be requested.
err-dossier-supplement_empty = Choose at least one document to request.
err-dossier-reason_required = Enter a reason.
err-dossier-reschedule_not_later = The new date must be after the current one, on a working day, in office hours.
err-dossier-unknown_component = This document is not one of the procedure's documents.
err-dossier-transfer_to_self = The dossier is already at this agency.
err-auth-forbidden = You may not take this action on this dossier.
err-request-invalid_field = Some information is not right. Please check it.
proc-where-all = All { $count } receiving points in the province
err-apply-missing_documents = A required document is missing; upload it before submitting.
err-apply-incomplete = Some answers are missing; check the address, name, ID number and phone.
