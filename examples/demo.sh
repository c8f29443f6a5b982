#!/usr/bin/env bash
# A realistic week of a small agency (Mon 16 - Sun 22 Nov 2026, Europe/London): five clients on two
# policies, 30 requests across channels, most answered on time, some late, some still waiting.
# Run with SLATRACK_DB pointing at a fresh file; `scripts/demo` does that and shows the result.
set -euo pipefail
export TZ=Europe/London
export SLATRACK_NOW="2026-11-23 08:30"
export SLATRACK_USER=sam   # the owner, who logs and answers most things
st() { slatrack "$@"; }

st init
st calendar add office --tz Europe/London --hours "mon-fri 09:00-12:30 13:30-17:30"
st calendar holiday office 12-25 12-26 01-01 --name "Christmas and New Year"
st sla add standard --calendar office --reply 4h --update 16h --resolve 40h
st sla add premium --calendar office --reply 1h --update 8h --resolve 24h
st sla set premium --priority urgent --reply 30m

st client add "Acme Ltd" --sla premium --owner ann --email ops@acme.example
st client add "Bloom Florists" --sla standard --owner bob --email hello@bloom.example
st client add "Carter & Sons" --sla standard --owner ann
st client add "Delta Dental" --sla premium --owner cat --email it@deltadental.example
st client add "Evergreen Homes" --sla standard --owner bob --note "Pays late, asks often"

# log CLIENT SUBJECT TIME CHANNEL [PRIORITY] -> prints the new request's number
log() { st log "$1" "$2" --at "$3" --channel "$4" --priority "${5:-normal}" -q; }

# Monday 16 Nov
a=$(log "Acme Ltd" "Invoice 1042 shows the wrong VAT" "2026-11-16 09:12" email)
st reply "$a" --at "2026-11-16 09:40" -m "Checking with accounts"
st resolve "$a" --at "2026-11-16 15:05" -m "Credit note sent"
a=$(log "Bloom Florists" "Website contact form is broken" "2026-11-16 10:03" phone high)
st reply "$a" --at "2026-11-16 11:30"
st resolve "$a" --at "2026-11-17 12:00"
a=$(log "Carter & Sons" "Need a quote for the spring catalogue" "2026-11-16 11:47" email)
st reply "$a" --at "2026-11-16 16:10"
st pause "$a" --at "2026-11-16 16:10" -m "Waiting for their page count"
a=$(log "Delta Dental" "Booking widget shows no free slots" "2026-11-16 14:20" chat urgent)
st reply "$a" --at "2026-11-16 14:38"
st resolve "$a" --at "2026-11-16 17:02"
a=$(log "Evergreen Homes" "Change the logo on the listings page" "2026-11-16 16:55" email low)
st reply "$a" --at "2026-11-17 10:15"
st resolve "$a" --at "2026-11-18 11:00"
a=$(log "Acme Ltd" "Add two users to the portal" "2026-11-16 17:10" web)
st reply "$a" --at "2026-11-17 09:20"
st resolve "$a" --at "2026-11-17 09:45"

# Tuesday 17 Nov
a=$(log "Bloom Florists" "Christmas opening hours banner" "2026-11-17 09:05" email)
st reply "$a" --at "2026-11-17 10:00"
st resolve "$a" --at "2026-11-18 16:00"
a=$(log "Delta Dental" "Reminder SMS not sent yesterday" "2026-11-17 09:31" phone high)
st reply "$a" --at "2026-11-17 11:02" -m "Looking into the SMS gateway"
st followup "$a" --at "2026-11-17 15:00" -m "Still no SMS today"
st reply "$a" --at "2026-11-17 15:20"
st resolve "$a" --at "2026-11-18 10:00"
a=$(log "Carter & Sons" "Printer proofs look washed out" "2026-11-17 13:40" in-person)
st reply "$a" --at "2026-11-17 13:45"
st resolve "$a" --at "2026-11-19 12:00"
a=$(log "Evergreen Homes" "Where is the October report?" "2026-11-17 14:02" email)
st followup "$a" --at "2026-11-18 09:10" -m "Any news on the report?"
st followup "$a" --at "2026-11-18 14:30" -m "Third time asking"
st reply "$a" --at "2026-11-18 15:45"
st resolve "$a" --at "2026-11-18 16:30"
a=$(log "Acme Ltd" "SSL certificate expires next week" "2026-11-17 16:20" email high)
st reply "$a" --at "2026-11-17 16:45"
st resolve "$a" --at "2026-11-19 10:00"

# Wednesday 18 Nov
a=$(log "Bloom Florists" "Add a gift-card product" "2026-11-18 09:45" chat)
st reply "$a" --at "2026-11-18 11:00"
st pause "$a" --at "2026-11-18 11:00" -m "Waiting for product photos"
a=$(log "Delta Dental" "New hygienist needs a login" "2026-11-18 10:30" email)
st reply "$a" --at "2026-11-18 11:05"
st resolve "$a" --at "2026-11-18 11:30"
a=$(log "Carter & Sons" "Invoice copy for the accountant" "2026-11-18 12:10" email low)
st reply "$a" --at "2026-11-18 14:00"
st resolve "$a" --at "2026-11-18 14:00"
a=$(log "Evergreen Homes" "Listings page is slow on mobile" "2026-11-18 15:30" social)
st reply "$a" --at "2026-11-19 09:30"
a=$(log "Acme Ltd" "Monthly analytics export" "2026-11-18 17:05" web low)
st reply "$a" --at "2026-11-19 09:10"
st resolve "$a" --at "2026-11-19 11:00"

# Thursday 19 Nov
a=$(log "Delta Dental" "Patient portal shows another clinic's logo" "2026-11-19 08:50" phone urgent)
st reply "$a" --at "2026-11-19 09:25"
st resolve "$a" --at "2026-11-19 12:10"
a=$(log "Bloom Florists" "Domain renewal question" "2026-11-19 10:20" email)
st reply "$a" --at "2026-11-19 12:00"
st resolve "$a" --at "2026-11-19 12:05"
a=$(log "Carter & Sons" "Move the staff page under About" "2026-11-19 11:15" email)
st reply "$a" --at "2026-11-19 14:40"
a=$(log "Acme Ltd" "Password reset emails land in spam" "2026-11-19 13:35" chat high)
st reply "$a" --at "2026-11-19 15:10" -m "Checking the SPF record"
a=$(log "Evergreen Homes" "Photo upload fails over 10 MB" "2026-11-19 16:40" email)
st reply "$a" --at "2026-11-20 12:10"
st resolve "$a" --at "2026-11-20 16:00"

# Friday 20 Nov
a=$(log "Delta Dental" "Add the Christmas closure notice" "2026-11-20 09:15" email)
st reply "$a" --at "2026-11-20 09:50"
st pause "$a" --at "2026-11-20 09:50" -m "Waiting for the closure dates"
a=$(log "Bloom Florists" "Newsletter template tweaks" "2026-11-20 11:00" email low)
st reply "$a" --at "2026-11-20 15:30"
a=$(log "Acme Ltd" "Quarterly review meeting agenda" "2026-11-20 14:00" email)
st reply "$a" --at "2026-11-20 14:40"
a=$(log "Carter & Sons" "Wrong phone number in the footer" "2026-11-20 10:30" phone high)
a=$(log "Evergreen Homes" "Can we add a mortgage calculator?" "2026-11-20 11:15" web)

# The weekend and early Monday: messages wait for the office to open.
a=$(log "Acme Ltd" "Checkout returns error 500" "2026-11-21 10:42" email urgent)
a=$(log "Bloom Florists" "Order emails show last year's prices" "2026-11-22 19:05" email high)
a=$(log "Delta Dental" "Staff rota page needs a new column" "2026-11-23 07:55" email)
a=$(log "Evergreen Homes" "Logo is blurry on retina screens" "2026-11-23 08:10" social low)
