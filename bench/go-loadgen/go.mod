module callgate.local/go-loadgen

go 1.19
