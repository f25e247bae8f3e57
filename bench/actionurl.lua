-- wrk script for bench/actionurl.sh: each request is a phone's "connected" Action URL for a
-- new call (docs/compatibility.md §4.2 parameters), so every request is one callConnect to alice's tab.
local counter = 0
request = function()
    counter = counter + 1
    local path = "/action?action=connected&call_direction=inbound&call_direction_as_int=0&local_party=2001" ..
        "&call_guid=bench-" .. counter .. "&remote_party=%2B420602123456&remote_alias=Bench"
    return wrk.format("GET", path, {["Connection"] = "close"})
end
