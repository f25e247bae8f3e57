extension Directory {
    /// The shipped sample directory: a small Czech call centre with three agents (alice, bob,
    /// carol), a supervisor (dana), a phone for each plus an unowned hot-desk phone, two incoming
    /// queues and an outgoing campaign. **Demo only**: each user's password is their username,
    /// hashed with PBKDF2-HMAC-SHA256 at 100 000 iterations so demo logins stay quick; production
    /// hashes use `PasswordHash.Scheme.pbkdf2Default` (docs/directory.md). alice's Vodia popup
    /// link secret, `DEMO-ONLY-alice-link-secret`, is as public as these passwords: demo only.
    public static let sampleJSON: String = #"""
    {
      "settings": {
        "defaultCountry": "420",
        "ringSeconds": 20,
        "acwSeconds": 5,
        "externalAnswerSeconds": null,
        "unreachableReason": "unreachable",
        "sipDomain": "callgate.test"
      },
      "listDevices": true,
      "auxReasons": ["Oběd", "Porada", "Školení"],
      "callReasons": ["Informace", "Objednávka", "Reklamace"],
      "groups": {"1": "Podpora", "2": "Prodej", "9": "Vedení"},
      "queues": [
        {"id": 100, "name": "Podpora", "type": "incoming", "number": "800100100"},
        {"id": 200, "name": "Prodej", "type": "incoming", "number": "800200200"},
        {"id": 300, "name": "Kampaň", "type": "outgoing"}
      ],
      "users": [
        {
          "username": "alice", "id": 1,
          "password": "$pbkdf2-sha256$i=100000$TJAYR61j9/bff2Ln9PPGSg$K7tCx4b/IQ2+CcT402Yjm5WZ0pnzbIehoQLduWHK/DM",
          "firstname": "Alena", "lastname": "Nováková", "email": "alena.novakova@example.cz",
          "locale": "cs", "group_id": 1, "primary_extension": 2001,
          "linkSecret": "DEMO-ONLY-alice-link-secret",
          "queues": [{"queue": 100, "priority": 1}, {"queue": 200, "priority": 2}, {"queue": 300, "priority": 1}]
        },
        {
          "username": "bob", "id": 2,
          "password": "$pbkdf2-sha256$i=100000$sNF7ZRDEBWYE89L4QLmfgw$PQpX76+UlDUFPTe0BhgtgMhRpC0VhnyB3hUVLh1eQuI",
          "firstname": "Bohumil", "lastname": "Dvořák", "email": "bohumil.dvorak@example.cz",
          "locale": "cs", "group_id": 1, "primary_extension": 2002,
          "queues": [{"queue": 100, "priority": 1}, {"queue": 300, "priority": 1}]
        },
        {
          "username": "carol", "id": 3,
          "password": "$pbkdf2-sha256$i=100000$5VYKqIeYMy31VP3rGCP+Ag$AbpuWa74kl426CK68OuynlpFso/WmdhW4XVj/hrawpY",
          "firstname": "Karolína", "lastname": "Svobodová", "email": "karolina.svobodova@example.cz",
          "locale": "cs", "group_id": 2, "primary_extension": 2003,
          "queues": [{"queue": 100, "priority": 2}, {"queue": 200, "priority": 1}]
        },
        {
          "username": "dana", "id": 4,
          "password": "$pbkdf2-sha256$i=100000$Cs0bYsx8qvgtMOWX/VOcpw$wWIlCWj+mLwv5jC/nBRAT8A5EsjQ7duGoEtJkDYQXpY",
          "firstname": "Dana", "lastname": "Horáková", "email": "dana.horakova@example.cz",
          "locale": "cs", "group_id": 9, "primary_extension": 2004, "superuser": true,
          "queues": [{"queue": 100, "priority": 9, "supervisor": true}, {"queue": 200, "priority": 9, "supervisor": true}]
        }
      ],
      "devices": [
        {"id": "alice-phone", "name": "Yealink T54W (Alena)", "extension": 2001, "line": 1,
         "identifiers": ["10.0.0.7", "sip:2001", "web-alice"], "owner": "alice"},
        {"id": "bob-phone", "name": "Yealink T54W (Bohumil)", "extension": 2002, "line": 1,
         "identifiers": ["10.0.0.8", "sip:2002", "web-bob"], "owner": "bob"},
        {"id": "carol-phone", "name": "Snom D785 (Karolína)", "extension": 2003, "line": 1,
         "identifiers": ["10.0.0.9", "sip:2003", "web-carol"], "owner": "carol"},
        {"id": "dana-phone", "name": "Snom D785 (Dana)", "extension": 2004, "line": 1,
         "identifiers": ["10.0.0.10", "sip:2004", "web-dana"], "owner": "dana"},
        {"id": "hotdesk", "name": "Hot desk", "extension": 2009, "line": 1,
         "identifiers": ["sip:2009", "web-hotdesk"]}
      ]
    }
    """#

    /// `sampleJSON`, parsed. It is a literal, so parsing cannot fail (a test checks it).
    public static var sample: Directory {
        do {
            return try parse(text: sampleJSON)
        } catch {
            preconditionFailure("the sample directory does not parse: \(error)")
        }
    }
}
